/** The doctor's page: sign in, request access to residents' records and follow the requests, list the grants naming me or my hospital, show my code for on-site consent. */
import { h } from 'vue';
import AppShell from '../components/AppShell.vue';
import { mountPage } from '../mount.js';
import { createSession } from '../session.js';
import DoctorHome from './doctor/DoctorHome.vue';

const session = createSession('doctor');

mountPage({
  render: () =>
    h(
      AppShell,
      { page: 'doctor', title: 'nav.doctor', role: 'doctor', session, loginHint: 'login.hint.doctor' },
      { default: () => h(DoctorHome, { session, key: session.current.value?.user.username }) },
    ),
});
