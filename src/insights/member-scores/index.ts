export { CLV_BANDS, type ClvBand, type ScoreOptions, type ScoreSummary, scoreMembers } from './score.js';
