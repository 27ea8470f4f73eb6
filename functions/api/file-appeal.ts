import { ROUTES } from '../../shared/api/routes';
import { fileRejectionAppealUseCase } from '../../shared/app/appeals';
import { getDeps } from '../../shared/app/deps';
import { appealUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

/** One route for every appeal a worker files; the body names what is appealed. */
export const handler = apiHandler(ROUTES.fileAppeal, async ({ caller, body }) => ({
  status: 201,
  body: 'assignmentId' in body ? await fileRejectionAppealUseCase(getDeps(), caller.userId, body) : await appealUseCase(getDeps(), caller.userId, body),
}));
