export { Client, createEsClient } from './client.ts';
