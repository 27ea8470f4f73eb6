import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { statementUseCase } from '../../shared/app/money';
import { Accounts } from '../../shared/domain/ledger/ledger';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getMyStatement, async ({ caller, query }) => ({
  body: await statementUseCase(getDeps(), Accounts.workerAvailable(caller.userId), query.limit, query.cursor),
}));
