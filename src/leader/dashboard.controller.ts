import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';

/** Built by scripts/build-dashboard.mjs next to the compiled leader: dist/dashboard/. */
const DIR = new URL('../dashboard/', import.meta.url);

/**
 * The live cluster map at `/`. Open like /docs: the page itself holds no data; it asks for the
 * API token (when one is set) before it reads /cluster/events.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  index(): Promise<string> {
    return read('index.html');
  }

  // Two fixed routes rather than `:asset`: a parameter at the root would shadow /metrics, /cluster, ...
  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(): Promise<string> {
    return read('app.js');
  }

  @Get('app.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  styles(): Promise<string> {
    return read('app.css');
  }
}

async function read(name: string): Promise<string> {
  try {
    return await readFile(new URL(name, DIR), 'utf8');
  } catch {
    throw new NotFoundException(`dashboard asset ${name} is missing: run npm run build`);
  }
}
