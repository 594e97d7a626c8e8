import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

import { MethodNotAllowed, RouteNotFound } from './problem.js';

// OPTIONS is listed because a route may define it, although none does today.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Returns the methods that have a route for the URL's path, for the Allow header of a 405.
 * A wildcard route, such as the static files' `/*`, matches any path below it, so a match of
 * one does not show that the path exists and is left out.
 */
function allowedMethods(app: FastifyInstance, url: string): string[] {
  return METHODS.filter((method) => {
    const route = app.findRoute({ method, url });
    return route !== null && !('*' in route.params);
  });
}

/**
 * Serves the built web apps: the admin console under /console/ and the citizens' app at /.
 * Unknown page paths get the app's index.html so client-side routes survive a reload; unknown
 * API paths get a NOT_FOUND problem, and a path that has routes for other methods only gets
 * METHOD_NOT_ALLOWED with an Allow header.
 */
export async function installWeb(app: FastifyInstance, webDir: string | undefined): Promise<void> {
  const hasWeb = webDir !== undefined && existsSync(join(webDir, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDir,
      index: 'index.html',
      // The web build writes a .gz copy of each text file; browsers that accept gzip get it.
      preCompressed: true,
      // Vite names built assets by content hash, so they never change under one name.
      setHeaders: (response, filePath) => {
        const immutable = filePath.includes(`${sep}assets${sep}`);
        response.header(
          'cache-control',
          immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const isPage =
      ['GET', 'HEAD'].includes(request.method) && !path.startsWith('/api/') && !/\.\w+$/.test(path);
    if (hasWeb && isPage) {
      const page = path.startsWith('/console') ? 'console/index.html' : 'index.html';
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile(page);
    }
    const allowed = allowedMethods(app, request.url);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      throw new MethodNotAllowed(request.method, path);
    }
    throw new RouteNotFound(request.method, path);
  });
}
