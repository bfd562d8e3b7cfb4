/**
 * The ceiling: the least a NestJS express app can do per request here. The same routes and body
 * shape as the leader's public API (`GET /kv/*key`, `PUT /kv/*key` {"value"}), answered from a Map
 * with no validation pipe, no guard and no hop behind it. Run as its own process by the harness:
 * `PORT=<port> node bench/dist/bench/systems/ceiling-app.js`, ready when GET /health answers.
 */
import 'reflect-metadata';
import { Body, Controller, Get, Module, NotFoundException, Param, Put } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const values = new Map<string, string>();

@Controller('kv')
class CeilingController {
  @Get('*key')
  get(@Param('key') key: string[]): { key: string; value: string } {
    const joined = key.join('/');
    const value = values.get(joined);
    if (value === undefined) throw new NotFoundException(`no key ${joined}`);
    return { key: joined, value };
  }

  @Put('*key')
  put(@Param('key') key: string[], @Body() body: { value: string }): { key: string } {
    const joined = key.join('/');
    values.set(joined, body.value);
    return { key: joined };
  }
}

@Controller('health')
class HealthController {
  @Get()
  health(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({ controllers: [CeilingController, HealthController] })
class CeilingModule {}

const app = await NestFactory.create(CeilingModule, { logger: ['error'] });
await app.listen(Number(process.env.PORT), '127.0.0.1');
// Started with an IPC channel: leave with the harness, however it ends. A signal exits normally
// too, so that `node --cpu-prof` gets to write its profile.
const stop = (): void => void app.close().finally(() => process.exit(0));
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
