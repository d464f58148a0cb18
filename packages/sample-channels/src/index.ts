export { OUTSIDE_SOURCES, type SampleChannel, sampleChannels } from './channels.ts';
export { type GenerateOptions, generateSampleChannels, type Truth } from './generate.ts';
export { type Random, seededRandom } from './random.ts';
export * as templates from './templates.ts';
