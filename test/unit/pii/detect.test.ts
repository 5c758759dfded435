import { describe, expect, it } from 'vitest';
import {
  cardNetwork,
  cardValid,
  classifyValue,
  esDniValid,
  findPii,
  ibanValid,
  ipv4Valid,
  ipv6Valid,
  luhnValid,
  ukNinoValid,
  usSsnValid,
} from '../../../src/pii/index.js';

const kinds = (text: string) => findPii(text).map((m) => `${m.kind}:${m.value}`);

describe('checksums and structure', () => {
  it('Luhn: accepts the published test numbers and rejects a one-digit change', () => {
    for (const n of ['4242424242424242', '4111111111111111', '5555555555554444', '378282246310005', '6011111111111117'])
      expect(luhnValid(n)).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('42424242a4242424')).toBe(false);
  });

  it('cards need a network prefix and length as well as Luhn', () => {
    expect(cardNetwork('4242424242424242')).toBe('visa');
    expect(cardNetwork('378282246310005')).toBe('amex');
    expect(cardNetwork('5555555555554444')).toBe('mastercard');
    expect(cardNetwork('2223003122003222')).toBe('mastercard');
    // Luhn-valid, but no network issues 16-digit numbers starting with 1 or 9 (epoch ms, snowflake ids)
    expect(luhnValid('1234567812345670')).toBe(true);
    expect(cardValid('1234567812345670')).toBe(false);
    expect(cardValid('9999999999999995')).toBe(false);
    expect(cardValid('37828224631000')).toBe(false); // amex prefix, wrong length
  });

  it('IBAN: country length and mod-97', () => {
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('FR1420041010050500013M02606')).toBe(true);
    expect(ibanValid('NL91ABNA0417164300')).toBe(true);
    expect(ibanValid('DE88 3704 0044 0532 0130 00')).toBe(false); // check digits off by one
    expect(ibanValid('DE89 3704 0044 0532 0130 0')).toBe(false); // one character short for DE
    expect(ibanValid('XX89370400440532013000')).toBe(false); // no such country
  });

  it('US SSN, UK NINO and Spanish DNI/NIE structure', () => {
    expect(usSsnValid('123', '45', '6789')).toBe(true);
    expect(usSsnValid('000', '45', '6789')).toBe(false);
    expect(usSsnValid('666', '45', '6789')).toBe(false);
    expect(usSsnValid('912', '45', '6789')).toBe(false);
    expect(usSsnValid('123', '00', '6789')).toBe(false);
    expect(usSsnValid('123', '45', '0000')).toBe(false);
    expect(ukNinoValid('AB123456C')).toBe(true);
    expect(ukNinoValid('QQ123456C')).toBe(false); // Q is not a valid first letter
    expect(ukNinoValid('GB123456A')).toBe(false); // reserved prefix
    expect(ukNinoValid('AB123456E')).toBe(false); // suffix A-D only
    expect(esDniValid('12345678Z')).toBe(true);
    expect(esDniValid('12345678A')).toBe(false);
    expect(esDniValid('X1234567L')).toBe(true);
  });

  it('IP addresses', () => {
    expect(ipv4Valid('192.168.1.20')).toBe(true);
    expect(ipv4Valid('256.1.1.1')).toBe(false);
    expect(ipv4Valid('1.2.3')).toBe(false);
    expect(ipv6Valid('2001:db8::8a2e:370:7334')).toBe(true);
    expect(ipv6Valid('fe80::1%eth0')).toBe(true);
    expect(ipv6Valid('::')).toBe(false);
    expect(ipv6Valid('::1')).toBe(false);
    expect(ipv6Valid('00:1A:2B:3C:4D:5E')).toBe(false); // a MAC address
  });
});

describe('finding personal data in text', () => {
  it.each([
    ['Contact john.smith@example.co.uk today', 'email:john.smith@example.co.uk'],
    ['call +44 20 7946 0958 now', 'phone:+44 20 7946 0958'],
    ['(415) 555-0132', 'phone:(415) 555-0132'],
    ['415.555.0132', 'phone:415.555.0132'],
    ['1-800-555-0199', 'phone:1-800-555-0199'],
    ['020 7946 0958', 'phone:020 7946 0958'],
    ['01 23 45 67 89', 'phone:01 23 45 67 89'],
    ['0049 30 1234567', 'phone:0049 30 1234567'],
    ['+4915123456789', 'phone:+4915123456789'],
    ['paid with 4242 4242 4242 4242', 'card:4242 4242 4242 4242'],
    ['4242-4242-4242-4242', 'card:4242-4242-4242-4242'],
    ['amex 3782 822463 10005', 'card:3782 822463 10005'],
    ['IBAN DE89 3704 0044 0532 0130 00, thanks', 'iban:DE89 3704 0044 0532 0130 00'],
    ['gb82west12345698765432', 'iban:gb82west12345698765432'],
    ['SSN 123-45-6789', 'us_ssn:123-45-6789'],
    ['NI AB 12 34 56 C', 'uk_nino:AB 12 34 56 C'],
    ['DNI 12345678Z', 'es_dni:12345678Z'],
    ['from 192.168.1.20', 'ipv4:192.168.1.20'],
    ['from 2001:db8::8a2e:370:7334.', 'ipv6:2001:db8::8a2e:370:7334'],
    ['token xoxb-123456789012-abcdefgh', 'secret:xoxb-123456789012-abcdefgh'],
  ])('finds %s', (text, expected) => {
    expect(kinds(text)).toEqual([expected]);
  });

  it.each([
    ['order ORD-2024-000123'],
    ['2024-01-15'],
    ['15.01.2024'],
    ['2024-01-15T10:30:00Z'],
    ['10:30:00'],
    ['$1,234.56'],
    ['€ 1.234,56'],
    ['550e8400-e29b-41d4-a716-446655440000'],
    ['1.2.3'],
    ['v1.2.3.4'],
    ['version 1.2.3.4'],
    ['1700000000123'],
    ['4242424242424241'], // Luhn fails
    ['1234567812345670'], // Luhn passes, no card network
    ['DE88 3704 0044 0532 0130 00'], // IBAN check fails
    ['000-12-3456'],
    ['666-12-3456'],
    ['QQ123456C'],
    ['12345678A'],
    ['256.1.1.1'],
    ['00:1A:2B:3C:4D:5E'],
    ['std::vector'],
    ['978-3-16-148410-0'],
    ['4155550132'], // a bare 10-digit number is not called a phone number
    ['123456789'], // nor a bare 9-digit number an SSN
    ['user@localhost'],
    ['lodash@4.17.21'],
    ['part no. 412-55-1234'],
    ['SKU 212-555-0147'],
    ['5d41402abc4b2a76b9719d911017c592'],
  ])('leaves %s alone', (text) => {
    expect(kinds(text)).toEqual([]);
  });

  it('finds several values in one text without letting boundaries bleed', () => {
    expect(
      kinds('Order ORD-2024-000123 on 2024-01-15: jane@example.com, +1 415 555 0132, card 4111111111111111'),
    ).toEqual(['email:jane@example.com', 'phone:+1 415 555 0132', 'card:4111111111111111']);
    // digits of a longer number are not a phone number
    expect(kinds('4327 0036 7602 8858')).toEqual([]);
  });

  it('classifies a whole value, and only a whole value', () => {
    expect(classifyValue(' jane@example.com ')).toBe('email');
    expect(classifyValue('mail jane@example.com')).toBeUndefined();
    expect(classifyValue('Anna')).toBeUndefined();
  });
});
