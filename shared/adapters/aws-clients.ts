import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { KMSClient } from '@aws-sdk/client-kms';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { config } from '../config';

/**
 * Module-scope SDK clients, created on first use and reused across invocations. Endpoints come from
 * the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables, which the local platform points at the emulators.
 */
let ddb: DynamoDBDocumentClient | undefined;
let s3: S3Client | undefined;
let sqs: SQSClient | undefined;
let sfn: SFNClient | undefined;
let kms: KMSClient | undefined;
let cognito: CognitoIdentityProviderClient | undefined;

export const clients = {
  dynamo: () =>
    (ddb ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    })),
  s3: () => (s3 ??= new S3Client({ forcePathStyle: config.s3ForcePathStyle() })),
  sqs: () => (sqs ??= new SQSClient({})),
  sfn: () => (sfn ??= new SFNClient({})),
  kms: () => (kms ??= new KMSClient({})),
  cognito: () => (cognito ??= new CognitoIdentityProviderClient({})),
};
