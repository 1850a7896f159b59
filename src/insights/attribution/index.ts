export { type AttributionRequest, attribute, DEFAULT_ATTRIBUTION_DIMENSIONS } from './attribute.js';
