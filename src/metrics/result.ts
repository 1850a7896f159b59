// What an answer is: its columns, its rows, and what a reader needs to trust them — the API's contract.
export type { ColumnMeta, QueryResult } from '../contract/index.js';
