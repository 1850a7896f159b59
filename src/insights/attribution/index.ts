export {
  type Attribution,
  type AttributionRequest,
  attribute,
  type Contribution,
  DEFAULT_ATTRIBUTION_DIMENSIONS,
  type Part,
} from './attribute.js';
