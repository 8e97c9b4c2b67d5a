import { rebaseLinks, trustedProxies } from '../src';

describe('trustedProxies', () => {
  const trust = trustedProxies('127.0.0.1, 127.0.1.0/24, ::1');
  it.each([
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['127.0.1.200', true],
    ['::1', true],
    ['127.0.0.2', false],
    [undefined, false],
  ])('%s trusted: %s', (address, trusted) => {
    expect(trust(address)).toBe(trusted);
  });

  it('trusts nobody by default and refuses entries that are not addresses', () => {
    expect(trustedProxies('')('127.0.0.1')).toBe(false);
    expect(() => trustedProxies('localhost')).toThrow(/KLAXON_TRUSTED_PROXIES/);
    expect(() => trustedProxies('127.0.0.1/33')).toThrow(/KLAXON_TRUSTED_PROXIES/);
  });
});

describe('rebaseLinks', () => {
  it('moves only self and html_url under the old base', () => {
    const from = 'http://localhost:8080';
    const body = {
      service: {
        self: `${from}/services/P1`,
        html_url: `${from}/service-directory/P1`,
        description: `${from}/not-a-link`,
        teams: [{ self: `${from}/teams/T1` }],
        elsewhere: { self: 'https://other.example/x' },
      },
    };
    expect(rebaseLinks(body, from, 'https://pd.example')).toEqual({
      service: {
        self: 'https://pd.example/services/P1',
        html_url: 'https://pd.example/service-directory/P1',
        description: `${from}/not-a-link`,
        teams: [{ self: 'https://pd.example/teams/T1' }],
        elsewhere: { self: 'https://other.example/x' },
      },
    });
  });
});
