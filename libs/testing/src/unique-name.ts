import { randomUUID } from 'node:crypto';

/** A name no other test run uses, for topics, groups, databases and SKUs. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
