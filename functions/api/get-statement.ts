import { ROUTES } from '../../shared/api/routes';
import { getDeps } from '../../shared/app/deps';
import { statementUseCase } from '../../shared/app/money';
import { Accounts } from '../../shared/domain/ledger/ledger';
import { apiHandler } from '../../shared/http/api-handler';

export const handler = apiHandler(ROUTES.getStatement, async ({ caller, query }) => {
  const account = query.account === 'escrow' ? Accounts.clientEscrow(caller.orgId) : Accounts.clientFunds(caller.orgId);
  return { body: await statementUseCase(getDeps(), account, query.limit, query.cursor) };
});
