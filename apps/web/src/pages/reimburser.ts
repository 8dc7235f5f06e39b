/**
 * Reimburser portal: verify an invoice, see the claims of every payer, lock an amount for a claim,
 * reimburse it, unlock it, write the invoice off.
 */
import { h } from 'vue';
import AppShell from '../components/AppShell.vue';
import { mountPage } from '../mount.js';
import { createSession } from '../session.js';
import ReimburserDesk from './reimburser/ReimburserDesk.vue';

const session = createSession('reimburser');

mountPage({
  render: () =>
    h(
      AppShell,
      {
        page: 'reimburser',
        title: 'nav.reimburser',
        role: 'reimbursement_officer',
        session,
        loginHint: 'login.hint.reimburser',
      },
      { default: () => h(ReimburserDesk, { session }) },
    ),
});
