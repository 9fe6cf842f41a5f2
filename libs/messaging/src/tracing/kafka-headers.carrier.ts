import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

type ConsumedHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

/** Reads W3C trace context from consumed Kafka headers, which kafkajs hands over as Buffers. */
export const consumedHeadersGetter: TextMapGetter<ConsumedHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const raw = carrier[key];
    if (raw === undefined) return undefined;
    const first = Array.isArray(raw) ? raw[0] : raw;
    return first === undefined ? undefined : first.toString();
  },
};

/** Writes trace context into the string headers of a message about to be produced. */
export const producedHeadersSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
