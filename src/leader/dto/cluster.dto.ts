import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ClusterNodeDto {
  @ApiProperty({ example: 'storage-1' }) id!: string;
  @ApiProperty({ example: 'storage', enum: ['registry', 'storage', 'leader'] }) role!: string;
  @ApiProperty({ example: 'http://127.0.0.1:4101' }) url!: string;
  @ApiProperty({ example: 'UP', enum: ['UP', 'SUSPECT', 'DOWN', 'UNKNOWN'] }) status!: string;
  @ApiPropertyOptional({ example: 52_000 }) usedBytes?: number;
  @ApiPropertyOptional({ example: 10_737_418_240 }) capacityBytes?: number;
  @ApiPropertyOptional({ example: 1000 }) keyCount?: number;
  @ApiProperty({ example: 21, description: 'partitions this node holds a replica of' }) partitions!: number;
  @ApiPropertyOptional({ example: '2026-11-27T10:00:00.000Z' }) lastHeartbeatAt?: string;
  @ApiPropertyOptional({ example: false, description: 'storage: being drained (gets no new replicas)' }) draining?: boolean;
}

export class DrainStatusDto {
  @ApiProperty({ example: 'storage-2' }) id!: string;
  @ApiProperty({ example: true }) draining!: boolean;
  @ApiProperty({ example: 5, description: 'partitions it still holds a replica of' }) partitions!: number;
  @ApiProperty({ example: false, description: 'draining and empty: safe to remove' }) drained!: boolean;
}

export class ClusterPartitionDto {
  @ApiProperty({ example: 17 }) partition!: number;
  @ApiProperty({ example: 7 }) epoch!: number;
  @ApiProperty({ example: ['storage-1'] }) replicas!: string[];
  @ApiProperty({ example: [], description: 'nodes receiving a copy (repair or move in progress)' }) learners!: string[];
  @ApiProperty({ example: 'healthy', enum: ['healthy', 'moving', 'under-replicated', 'unavailable'] }) state!: string;
  @ApiPropertyOptional({ example: 120 }) keyCount?: number;
  @ApiPropertyOptional({ example: 5120 }) bytes?: number;
}

export class ClusterLeaderDto {
  @ApiProperty({ example: 'leader' }) id!: string;
  @ApiPropertyOptional({ example: 'http://127.0.0.1:4000' }) url?: string;
  @ApiProperty({ example: true, description: 'the partition table has been rebuilt from the storage nodes' }) ready!: boolean;
  @ApiProperty({ example: 1042, description: 'the highest revision issued or observed' }) revision!: number;
}

export class ClusterViewDto {
  @ApiProperty({ type: ClusterLeaderDto }) leader!: ClusterLeaderDto;
  @ApiProperty({ example: 64 }) partitionCount!: number;
  @ApiProperty({ example: 3 }) replicationFactor!: number;
  @ApiProperty({ example: 12, description: 'repairs and moves finished since the leader started' }) completedMoves!: number;
  @ApiProperty({ type: [ClusterNodeDto] }) nodes!: ClusterNodeDto[];
  @ApiProperty({ type: [ClusterPartitionDto], description: 'placed partitions' }) partitions!: ClusterPartitionDto[];
  @ApiProperty({ example: [3, 9], description: 'partitions not written yet' }) unplaced!: number[];
}
