export { ClickHouseEngine, type ClickHouseOptions } from './connection.js';
export { copyToClickHouse, syncLoadToClickHouse } from './copy.js';
export { renderClickHouse } from './dialect.js';
