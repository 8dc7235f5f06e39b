/** Hospital billing console: sign in, issue an invoice, list, look up, red-flush and void invoices; recover a resident's lost key at the counter. */
import { h } from 'vue';
import AppShell from '../components/AppShell.vue';
import { mountPage } from '../mount.js';
import { createSession } from '../session.js';
import HospitalDesk from './hospital/HospitalDesk.vue';

const session = createSession('hospital');

mountPage({
  render: () =>
    h(
      AppShell,
      { page: 'hospital', title: 'nav.hospital', role: 'billing_clerk', session, loginHint: 'login.hint.hospital' },
      { default: () => h(HospitalDesk, { session }) },
    ),
});
