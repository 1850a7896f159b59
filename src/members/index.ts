export { type MemberActor, MemberCenter, type MemberCenterOptions } from './center.js';
export { chainLocal, chainToday } from './chain-time.js';
export { type DemoMembersOptions, seedDemoMembers } from './demo.js';
export { fenOf, toFen, yuan } from './money.js';
export { type Claim, checkKey, type Kept, once, onceInline, type Written } from './once.js';
export { maskPhone, normalisePhone } from './phone.js';
export { type Difference, type Reconciliation, reconcile } from './reconcile.js';
export { type RelayResult, relayOutbox, startRelay } from './relay.js';
export { DEFAULT_RULES, type MemberRules } from './rules.js';
