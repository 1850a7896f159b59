export { ClickHouseEngine, type ClickHouseOptions } from './connection.js';
export { copyToClickHouse } from './copy.js';
export { renderClickHouse } from './dialect.js';
