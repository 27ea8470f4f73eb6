#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { createTessera } from '../infra/app';

createTessera(new App());
