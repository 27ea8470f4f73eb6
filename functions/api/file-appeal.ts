import { ROUTES } from '../../shared/api/routes';
import { fileRejectionAppealUseCase } from '../../shared/app/appeals';
import { getDeps } from '../../shared/app/deps';
import { appealUseCase } from '../../shared/app/standing';
import { apiHandler } from '../../shared/http/api-handler';

/** One route for every appeal a worker files; the body names the decision appealed (the schema admits exactly one). */
export const handler = apiHandler(ROUTES.fileAppeal, async ({ caller, body: { assignmentId, decisionId, statement } }) => ({
  status: 201,
  body: assignmentId ? await fileRejectionAppealUseCase(getDeps(), caller.userId, { assignmentId, statement }) : await appealUseCase(getDeps(), caller.userId, { decisionId: decisionId!, statement }),
}));
