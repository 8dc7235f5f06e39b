/** The doctor's page: sign in, list the residents' grants naming me or my hospital. */
import { h } from 'vue';
import AppShell from '../components/AppShell.vue';
import { mountPage } from '../mount.js';
import { createSession } from '../session.js';
import DoctorDesk from './doctor/DoctorDesk.vue';

const session = createSession('doctor');

mountPage({
  render: () =>
    h(
      AppShell,
      { page: 'doctor', title: 'nav.doctor', role: 'doctor', session, loginHint: 'login.hint.doctor' },
      { default: () => h(DoctorDesk, { session, key: session.current.value?.user.username }) },
    ),
});
