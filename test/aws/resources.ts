// ConnectKit's AWS resources the scenarios name, created on moto: the restore drill's network (a private
// DB subnet group and a security group for its scratch instances), PostgreSQL instances, the error-rate alarm.

import { PutMetricAlarmCommand, SetAlarmStateCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  type CreateDBInstanceCommandInput,
} from '@aws-sdk/client-rds';
import type { AwsDriver } from '../../src/drivers/aws/index.js';

/** DB subnet group `connectkit-private` over two zones of a new VPC, and security group `drill` in it (its id). */
export async function createDrillNetwork(driver: AwsDriver): Promise<{ securityGroup: string }> {
  const ec2 = driver.clients.ec2;
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc?.VpcId ?? '';
  const subnets: string[] = [];
  for (const [i, zone] of ['us-west-2a', 'us-west-2b'].entries()) {
    const r = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.20.${i}.0/24`, AvailabilityZone: zone }),
    );
    subnets.push(r.Subnet?.SubnetId ?? '');
  }
  await driver.clients.rds.send(
    new CreateDBSubnetGroupCommand({
      DBSubnetGroupName: 'connectkit-private',
      DBSubnetGroupDescription: 'drill scratch instances',
      SubnetIds: subnets,
    }),
  );
  const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'drill', Description: 'drill', VpcId: vpc }));
  return { securityGroup: sg.GroupId ?? '' };
}

/** A small PostgreSQL instance, master user connectkit (the drill's source is `connectkit-primary`). */
export async function createPostgresInstance(
  driver: AwsDriver,
  id: string,
  extra: Partial<CreateDBInstanceCommandInput> = {},
): Promise<void> {
  await driver.clients.rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBInstanceClass: 'db.t3.medium',
      Engine: 'postgres',
      AllocatedStorage: 20,
      MasterUsername: 'connectkit',
      MasterUserPassword: 'not-a-secret-1',
      ...extra,
    }),
  );
}

/** Alarm `connectkit-error-rate` (ConnectKit ErrorRate average over 5), set to `state`. */
export async function putErrorRateAlarm(cw: CloudWatchClient, state: 'OK' | 'ALARM'): Promise<void> {
  await cw.send(
    new PutMetricAlarmCommand({
      AlarmName: 'connectkit-error-rate',
      Namespace: 'ConnectKit',
      MetricName: 'ErrorRate',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  await cw.send(
    new SetAlarmStateCommand({ AlarmName: 'connectkit-error-rate', StateValue: state, StateReason: 'test' }),
  );
}
