import { describe, expect, it } from 'vitest';
import { checkBaseUrl, endpointUrl, isLoopbackHost, urlRefusal } from '../../src/providers/url-policy.ts';
import { EvalbenchError, InputError } from '../../src/errors/index.ts';

function codeOf(url: string, allowInsecureHttp = false): string | null {
  try {
    checkBaseUrl(url, { allowInsecureHttp });
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as EvalbenchError).exitCode).toBe(2);
    return (e as EvalbenchError).code;
  }
}

describe('checkBaseUrl', () => {
  it('accepts https anywhere', () => {
    expect(codeOf('https://api.vigthoria.io/v1')).toBeNull();
    expect(codeOf('https://10.0.0.5:8443/v1')).toBeNull();
  });

  it.each([
    'http://127.0.0.1:8000/v1', 'http://127.9.8.7/v1', 'http://localhost:11434/v1', 'http://LOCALHOST./v1',
    'http://[::1]:8000/v1', 'http://[::ffff:127.0.0.1]/v1', 'http://0.0.0.0:8000/v1', 'http://[::]:8000/v1',
    'http://2130706433/v1', 'http://0x7f.1/v1', 'http://127.1/v1',
  ])('accepts http to this machine: %s', (url) => {
    expect(codeOf(url)).toBeNull();
  });

  it.each([
    'http://api.example.com/v1', 'http://192.168.1.20:8000/v1', 'http://10.0.0.1/v1', 'http://[2001:db8::1]/v1',
    'http://localhost.example.com/v1', 'http://127.0.0.1.nip.io/v1', 'http://[::ffff:10.0.0.1]/v1', 'http://128.0.0.1/v1',
  ])('refuses http to another machine with INSECURE_HTTP: %s', (url) => {
    expect(codeOf(url)).toBe('INSECURE_HTTP');
    expect(codeOf(url, true)).toBeNull();
  });

  it('refuses what is not an http(s) URL with INVALID_BASE_URL, even with allowInsecureHttp', () => {
    expect(codeOf('not a url')).toBe('INVALID_BASE_URL');
    expect(codeOf('ftp://127.0.0.1/v1', true)).toBe('INVALID_BASE_URL');
    expect(codeOf('file:///etc/passwd', true)).toBe('INVALID_BASE_URL');
  });

  it('names the provider and the flag, never the userinfo or query of the URL', () => {
    try {
      checkBaseUrl('http://user:hunter2@api.example.com/v1?key=sk-123', {}, 'mybox');
      expect.unreachable();
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toContain('provider "mybox"');
      expect(m).toContain('http://api.example.com/v1');
      expect(m).toContain('--allow-insecure-http');
      expect(m).not.toContain('hunter2');
      expect(m).not.toContain('sk-123');
    }
  });
});

describe('isLoopbackHost / urlRefusal', () => {
  it('classifies hostnames as new URL() serialises them', () => {
    expect(isLoopbackHost(new URL('http://[::ffff:7f00:1]/').hostname)).toBe(true);
    expect(isLoopbackHost(new URL('http://[::ffff:a00:1]/').hostname)).toBe(false);
    expect(isLoopbackHost('example.localhost')).toBe(false); // not every resolver maps *.localhost to loopback
  });

  it('returns null or a reason (used for every redirect hop)', () => {
    expect(urlRefusal(new URL('https://x.example/v1'))).toBeNull();
    expect(urlRefusal(new URL('http://x.example/v1'))?.code).toBe('INSECURE_HTTP');
    expect(urlRefusal(new URL('http://x.example/v1'), { allowInsecureHttp: true })).toBeNull();
  });
});

describe('endpointUrl (issue 17: base_url query strings)', () => {
  it('inserts the path before the query, keeps the query, drops a fragment', () => {
    expect(endpointUrl('https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21', 'chat/completions'))
      .toBe('https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-10-21');
    expect(endpointUrl('https://h/v1/?a=1#frag', 'models')).toBe('https://h/v1/models?a=1');
    expect(endpointUrl('https://h/v1//', 'chat/completions')).toBe('https://h/v1/chat/completions');
    expect(endpointUrl('http://127.0.0.1:8000/v1', 'chat/completions')).toBe('http://127.0.0.1:8000/v1/chat/completions');
  });

  it('checkBaseUrl refuses credentials in the URL, without quoting them', () => {
    let m = '';
    try {
      checkBaseUrl('https://user:sk-123@api.example.com/v1', {}, 'p');
    } catch (e) {
      m = (e as Error).message;
    }
    expect(m).toMatch(/includes credentials/);
    expect(m).not.toContain('sk-123');
  });
});
