import { describe, expect, it } from 'vitest';
import { escapeAttr, escapeText, xmlSafe } from './xml.js';

describe('xml escaping', () => {
  it('escapes markup in text and attributes', () => {
    expect(escapeText(`a<b>&"'`)).toBe(`a&lt;b&gt;&amp;"'`);
    expect(escapeAttr(`a<b>&"'\t\n\r`)).toBe('a&lt;b&gt;&amp;&quot;&apos;&#9;&#10;&#13;');
  });

  it('makes characters XML cannot carry visible instead', () => {
    expect(xmlSafe('a\u0000b\u0008c\u000bd\u001be\u007ff\u0085')).toBe(
      'a\\u0000b\\u0008c\\u000bd\\u001be\\u007ff\\u0085',
    );
    expect(xmlSafe('\ufffe\uffff')).toBe('\\ufffe\\uffff');
    expect(xmlSafe('tab\tnl\ncr\r')).toBe('tab\tnl\ncr\r');
  });

  it('keeps surrogate pairs and replaces lone surrogates', () => {
    expect(xmlSafe('ok \ud83d\ude00')).toBe('ok \ud83d\ude00');
    expect(xmlSafe('a\ud800b\udc00')).toBe('a\ufffdb\ufffd');
    expect(xmlSafe('end\ud83d')).toBe('end\ufffd');
  });
});
