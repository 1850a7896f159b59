export { ClickHouseEngine, type ClickHouseOptions } from './connection.js';
export { copyToClickHouse, replicator, syncLoadToClickHouse } from './copy.js';
export { renderClickHouse } from './dialect.js';
