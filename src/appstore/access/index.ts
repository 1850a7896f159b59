export {
  type AuditEntry,
  type AuditEvent,
  type AuditQuery,
  auditQuerySchema,
  listAudit,
  recordAudit,
} from './audit.js';
export { cachedPrincipal } from './cache.js';
export { accessChanged } from './changes.js';
export { checkPasswordStrength, generatePassword, hashPassword, verifyPassword } from './passwords.js';
export {
  BUILTIN_ROLES,
  findRole,
  listRoles,
  PERMISSIONS,
  type Permission,
  type Role,
  type RoleInput,
  roleInputSchema,
  saveRole,
} from './roles.js';
export {
  changeOwnPassword,
  clearSignInLocks,
  LOCKOUT_MINUTES,
  MAX_FAILED_SIGN_INS,
  revokeTokensOf,
  SESSION_HOURS,
  type Session,
  sessionOf,
  signIn,
  signOut,
} from './sessions.js';
export {
  type ApiToken,
  createToken,
  listTokens,
  revokeToken,
  type TokenInput,
  tokenInputSchema,
  tokenPrincipal,
} from './tokens.js';
export {
  addUser,
  findUser,
  getUser,
  grant,
  grantSchema,
  listUsers,
  type Principal,
  principalOf,
  revoke,
  setDisabled,
  setPassword,
  setRole,
  type User,
  type UserInput,
  userCount,
  userInputSchema,
  usernameSchema,
} from './users.js';
