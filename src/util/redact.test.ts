import { describe, expect, it } from 'vitest';
import { describeDbUrl, redactDeep, redactText, redactUrl } from './redact.js';

describe('redactText', () => {
  it('hides a URL password, up to the last @ of the userinfo', () => {
    expect(redactText('postgres://u:s3cr3t@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(redactText('postgres://u:p@ss@h/db')).toBe('postgres://u:***@h/db');
    expect(redactText('connect to postgresql://app:a@b@c@db.internal:5432/x failed')).toBe(
      'connect to postgresql://app:***@db.internal:5432/x failed',
    );
    expect(redactText('redis://:hunter22@cache:6379')).toBe('redis://:***@cache:6379');
    expect(redactUrl('https://user:pw@example.com/')).toBe('https://user:***@example.com/');
  });

  it('leaves URLs without credentials alone (ports, paths, emails in the query)', () => {
    for (const text of [
      'http://127.0.0.1:8080/health',
      'https://example.com/a/b?page=2&sort=name',
      'postgres://postgres@127.0.0.1:5432/app',
      'see https://example.com/x?page=1 for more',
    ])
      expect(redactText(text)).toBe(text);
  });

  it('hides query-string secrets: password, token, secret, key, signature, X-Amz-*', () => {
    expect(redactText('http://h/x?password=s3cr3t&token=abc&page=2')).toBe('http://h/x?password=***&token=***&page=2');
    expect(redactText('https://h/x?api_key=K1&client_secret=S2&key=K3&sig=Z')).toBe(
      'https://h/x?api_key=***&client_secret=***&key=***&sig=***',
    );
    expect(
      redactText(
        'GET https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101&X-Amz-Security-Token=FwoG&X-Amz-Signature=9f8e7d&Signature=abc',
      ),
    ).toBe(
      'GET https://b.s3.amazonaws.com/o?X-Amz-Algorithm=***&X-Amz-Credential=***&X-Amz-Security-Token=***&X-Amz-Signature=***&Signature=***',
    );
    expect(redactText('postgres://h/db?sslmode=require&password=pw1')).toBe(
      'postgres://h/db?sslmode=require&password=***',
    );
  });

  it('hides bearer and basic credentials, in headers and alone', () => {
    expect(redactText('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig')).toBe('Authorization: ***');
    expect(redactText('{"authorization":"Basic dXNlcjpwYXNz"}')).toBe('{"authorization":"***"}');
    expect(redactText('Proxy-Authorization: Digest username="u"')).toBe('Proxy-Authorization: ***');
    expect(redactText('sent Bearer abcdefgh12345678 to the API')).toBe('sent Bearer *** to the API');
    expect(redactText('header basic dXNlcjpwYXNzd29yZA== was refused')).toBe('header basic *** was refused');
    expect(redactText('basic validation passed')).toBe('basic validation passed');
  });

  it('hides assigned secrets in environment dumps, headers and JSON', () => {
    expect(redactText('PGPASSWORD=hunter22 psql')).toBe('PGPASSWORD=*** psql');
    expect(redactText('AWS_SESSION_TOKEN=FwoGZXIvYXdzEBcaDabc')).toBe('AWS_SESSION_TOKEN=***');
    expect(redactText('x-api-key: 0123456789abcdef')).toBe('x-api-key: ***');
    expect(redactText('{"password": "p1", "user": "u"}')).toBe('{"password": "***", "user": "u"}');
    expect(redactText('set PGPASSWORD and run gameday rollback again')).toBe(
      'set PGPASSWORD and run gameday rollback again',
    );
  });

  it('hides AWS secret access keys wherever they appear, but not hex digests', () => {
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(redactText(`aws_secret_access_key = ${key}`)).toBe('aws_secret_access_key = ***');
    expect(redactText(`the key ${key} leaked`)).toBe('the key *** leaked');
    expect(redactText(`"${key}"`)).toBe('"***"');
    const sha1 = '4d0e2593a7c4b1f0e9d8c7b6a5f4e3d2c1b0a998';
    expect(redactText(`commit ${sha1}`)).toBe(`commit ${sha1}`);
    expect(redactText('/work/tmp/run/Abcdefghij0123456789/abcdefghij')).toBe(
      '/work/tmp/run/Abcdefghij0123456789/abcdefghij',
    );
  });

  it('redacts every string of a JSON value without touching its shape', () => {
    const input = { url: 'postgres://u:pw@h/db', n: 3, list: ['Bearer abcdefgh12345678', null], nested: { ok: true } };
    expect(redactDeep(input)).toEqual({
      url: 'postgres://u:***@h/db',
      n: 3,
      list: ['Bearer ***', null],
      nested: { ok: true },
    });
  });
});

describe('describeDbUrl', () => {
  it('names host, port and database only', () => {
    expect(describeDbUrl('postgres://u:pw@db.internal:6543/app?password=x')).toBe('db.internal:6543/app');
    expect(describeDbUrl('not a url')).toBe('database');
  });
});
