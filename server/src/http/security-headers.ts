import type { FastifyInstance } from 'fastify';

// antd and antd-mobile put styles in style attributes and style elements at run time, so
// styles need 'unsafe-inline'; scripts come only from the same origin.
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Adds the security headers every response carries, and a content security policy to the web
 * apps' pages. The Swagger UI at /docs keeps its own headers, because it runs inline scripts.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !request.url.startsWith('/docs')) {
      reply.header('x-frame-options', 'DENY');
      reply.header('content-security-policy', PAGE_POLICY);
    }
    return payload;
  });
}
