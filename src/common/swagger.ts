import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Role } from '../config/role.js';

const DESCRIPTIONS: Record<Role, string> = {
  registry: 'Service registry: nodes register, heartbeat and are listed with their lease status. All routes but /health need the cluster secret.',
  storage: 'Storage node: the internal, partition-aware data API the leader uses. All routes but /health need the cluster secret.',
  leader: 'The front door: the public key/value API and the cluster view. Needs the API token when API_TOKEN is set.',
};

/** Serves this role's OpenAPI document at /docs (UI) and /docs-json. */
export function setupSwagger(app: INestApplication, role: Role): void {
  const config = new DocumentBuilder()
    .setTitle(`distributed-db ${role}`)
    .setDescription(DESCRIPTIONS[role])
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: role === 'leader' ? 'API_TOKEN' : 'CLUSTER_SECRET' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
