/**
 * Supervisor page: the invoice statistics of a period with their charts (the 30 days ending today
 * are loaded on signing in), invoices and their on-chain history, the registered units with their
 * invoice code ranges.
 */
import { h } from 'vue';
import AppShell from '../components/AppShell.vue';
import { mountPage } from '../mount.js';
import { createSession } from '../session.js';
import SupervisorDesk from './supervisor/SupervisorDesk.vue';

const session = createSession('supervisor');

mountPage({
  render: () =>
    h(
      AppShell,
      { page: 'supervisor', title: 'nav.supervisor', role: 'supervisor', session, loginHint: 'login.hint.supervisor' },
      { default: () => h(SupervisorDesk, { session }) },
    ),
});
