export {
  CHANNEL_KINDS,
  CHANNEL_SECRETS,
  CHANNEL_SETTINGS,
  type ChannelKind,
  dingTalkSign,
  feishuSign,
  type Message,
  sendBy,
  verifyWebhook,
  webhookSign,
} from './kinds.js';
export { Channels, type ChannelView, type DeliveryView } from './queue.js';
