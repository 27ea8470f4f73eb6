import { describe, expect, it } from 'vitest';
import { localIssuer } from '../../../infra/local/platform';

describe('localIssuer', () => {
  it("maps the template's Cognito issuer to cognito-local's for the same pool", () => {
    expect(localIssuer('https://cognito-idp.us-east-1.amazonaws.com/local_abc123', 'http://127.0.0.1:9229', 'local_abc123')).toBe('http://127.0.0.1:9229/local_abc123');
  });

  it('refuses an issuer of another pool or of something else, rather than trusting it', () => {
    expect(() => localIssuer('https://cognito-idp.us-east-1.amazonaws.com/other_pool', 'http://127.0.0.1:9229', 'local_abc123')).toThrow(/issuer/);
    expect(() => localIssuer('https://evil.example/local_abc123', 'http://127.0.0.1:9229', 'local_abc123')).toThrow(/issuer/);
  });
});
