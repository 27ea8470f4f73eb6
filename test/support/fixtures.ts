import type { Caller } from '../../shared/http/auth';
import type { NewProject } from '../../shared/domain/marketplace/project';

/** A valid single-choice project for tests; override what a test is about. */
export const newProject = (overrides: Partial<NewProject> = {}): NewProject => ({
  title: 'Cats or dogs',
  description: '',
  instructions: 'Pick one',
  answerSpec: {
    type: 'single_choice',
    question: 'Which animal?',
    options: [
      { value: 'cat', label: 'Cat' },
      { value: 'dog', label: 'Dog' },
    ],
  },
  rewardMinor: 15,
  currency: 'EUR',
  redundancy: 3,
  assignmentDurationSeconds: 600,
  ...overrides,
});

/** The caller a use case sees for a signed-in worker or client (the authorizer's output). */
export const asWorker = (userId: string): Caller => ({ userId, orgId: userId, groups: ['workers'] });
export const asClient = (orgId: string, userId = `user-${orgId}`): Caller => ({ userId, orgId, groups: ['clients'] });
