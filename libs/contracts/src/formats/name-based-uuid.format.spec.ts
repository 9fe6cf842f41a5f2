import { nameBasedUuid } from './name-based-uuid.format';

// The DNS namespace of RFC 9562, appendix A.
const DNS = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('nameBasedUuid', () => {
  it('is the version 5 UUID of RFC 9562', () => {
    expect(nameBasedUuid(DNS, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('names one id per namespace and name', () => {
    expect(nameBasedUuid(DNS, 'a')).toBe(nameBasedUuid(DNS, 'a'));
    expect(nameBasedUuid(DNS, 'a')).not.toBe(nameBasedUuid(DNS, 'b'));
    expect(nameBasedUuid(DNS, 'a')).not.toBe(nameBasedUuid('7b0c3a1e-4f5d-4c2a-9e8b-6d5f4a3c2b1e', 'a'));
    expect(nameBasedUuid(DNS, 'é')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => nameBasedUuid('7b0c3a1e4f5d4c2a9e8b6d5f4a3c2b1e', 'a')).toThrow(TypeError);
  });
});
