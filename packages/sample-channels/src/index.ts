export { type GenerateOptions, generateSampleChannels, type Truth } from './generate.ts';
export { OUTSIDE_SOURCES, type SampleChannel, sampleChannels } from './channels.ts';
export * as templates from './templates.ts';
