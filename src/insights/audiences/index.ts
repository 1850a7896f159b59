export {
  audienceMembers,
  createAudience,
  deleteAudience,
  getAudience,
  listAudiences,
  previewAudience,
  refreshAudience,
  refreshDueAudiences,
} from './audiences.js';
export { ruleSql } from './rule-sql.js';
