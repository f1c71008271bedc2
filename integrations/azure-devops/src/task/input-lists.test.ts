import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineItems, listItems } from './input-lists.js';

describe('list inputs', () => {
  it('splits on lines and commas, trims, drops blanks and exact repeats, keeps the order', () => {
    expect(listItems(' alpine:3.19 ,\r\nsha256:abc\n\n,alpine:3.19\ndebian ')).toEqual(['alpine:3.19', 'sha256:abc', 'debian']);
    expect(listItems(undefined)).toEqual([]);
    expect(listItems(' , \n ')).toEqual([]);
  });

  it('keeps commas inside an item when items are one a line', () => {
    expect(lineItems('lodash>=4.0.0 <4.17.21\nopenssl<3,>=1\n\nlodash>=4.0.0 <4.17.21')).toEqual(['lodash>=4.0.0 <4.17.21', 'openssl<3,>=1']);
  });

  it('never yields an empty, padded or repeated item, and loses no item (property)', () => {
    const item = fc.stringMatching(/^[A-Za-z0-9:@/._-]{1,20}$/);
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), fc.array(fc.constantFrom(',', '\n', '\r\n', ' ,', ', ', '\n\n'), { minLength: 12, maxLength: 12 }), (items, separators) => {
        const text = items.map((value, index) => `${value}${separators[index] ?? ','}`).join('');
        const result = listItems(text);
        expect(result).toEqual([...new Set(items)]);
        for (const value of result) expect(value).toBe(value.trim());
      }),
    );
  });
});
