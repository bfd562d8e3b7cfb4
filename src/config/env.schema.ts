import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Role } from './role.js';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no', ''].includes(v)) return false;
  return value;
};
/** An optional whole number from min to max, read from a string, with one message for every way it can be wrong. */
function IntVar(min: number, max = Number.MAX_SAFE_INTEGER, unit?: string): PropertyDecorator {
  const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
  const message = `must be a whole number ${range}${unit ? ` (${unit})` : ''}`;
  // class-validator checks in registration order and stops at the first failure (stopAtFirstError).
  return (target, key) => {
    for (const decorate of [IsInt({ message }), Min(min, { message }), Max(max, { message }), IsOptional(), Transform(toInt)]) {
      decorate(target, key);
    }
  };
}

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * Every environment variable the app reads, with its rule. Validated once, before any module is
 * built (see load-config.ts); nothing else in the code reads process.env.
 */
export class EnvironmentVariables {
  @IsEnum(Role, { message: 'must be one of registry, storage, leader' })
  ROLE!: Role;

  @IntVar(0, 65535)
  PORT?: number;

  @IsString()
  @MinLength(1)
  @IsOptional()
  HOST?: string;

  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
    message: 'must be 1-63 characters of letters, digits, ".", "_" or "-"',
  })
  @IsOptional()
  NODE_ID?: string;

  @IsUrl(URL_OPTIONS, { message: 'must be an http(s) URL' })
  @IsOptional()
  ADVERTISE_URL?: string;

  @IsUrl(URL_OPTIONS, { message: 'must be an http(s) URL' })
  @IsOptional()
  REGISTRY_URL?: string;

  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @MaxLength(4096)
  @IsOptional()
  CLUSTER_SECRET?: string;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  @IsOptional()
  INSECURE?: boolean;

  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  @IsOptional()
  API_TOKEN?: string;

  @IsString()
  @MinLength(1)
  @IsOptional()
  DATA_DIR?: string;

  @IsIn(['lmdb', 'memory'], { message: 'must be lmdb or memory' })
  @IsOptional()
  STORAGE_ENGINE?: 'lmdb' | 'memory';

  @IntVar(1024 * 1024, Number.MAX_SAFE_INTEGER, 'bytes')
  CAPACITY_BYTES?: number;

  @IntVar(1, 4096)
  PARTITIONS?: number;

  @IntVar(1, 64 * 1024 * 1024, 'bytes')
  MAX_VALUE_BYTES?: number;

  @IntVar(10, Number.MAX_SAFE_INTEGER, 'milliseconds')
  HEARTBEAT_INTERVAL_MS?: number;

  @IntVar(10, Number.MAX_SAFE_INTEGER, 'milliseconds')
  LEASE_TTL_MS?: number;

  @IntVar(0, Number.MAX_SAFE_INTEGER, 'milliseconds')
  DOWN_RETENTION_MS?: number;

  @IntVar(10, Number.MAX_SAFE_INTEGER, 'milliseconds')
  REQUEST_TIMEOUT_MS?: number;

  @IntVar(1, 7)
  REPLICATION_FACTOR?: number;

  @IntVar(0, Number.MAX_SAFE_INTEGER, 'milliseconds')
  REPAIR_AFTER_MS?: number;

  @IntVar(1, 64)
  REPAIR_CONCURRENCY?: number;

  @IntVar(0, Number.MAX_SAFE_INTEGER, 'milliseconds')
  TOMBSTONE_TTL_MS?: number;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'], {
    message: 'must be one of fatal, error, warn, log, debug, verbose',
  })
  @IsOptional()
  LOG_LEVEL?: string;

  @IsIn(['json', 'pretty'], { message: 'must be json or pretty' })
  @IsOptional()
  LOG_FORMAT?: 'json' | 'pretty';

  @IntVar(0, Number.MAX_SAFE_INTEGER, 'milliseconds')
  SHUTDOWN_TIMEOUT_MS?: number;
}
