/** The resident's phone page: sign in, make and register a signing key, answer doctors' requests, grant (on site by QR code), list and revoke consent, read notifications. */
import 'vant/lib/index.css';
import '../phone.css';
import { createApp, h } from 'vue';
import PhoneShell from '../components/phone/PhoneShell.vue';
import { createSession } from '../session.js';
import ResidentHome from './resident/ResidentHome.vue';

const session = createSession('resident');

createApp({
  render: () =>
    h(
      PhoneShell,
      { title: 'nav.resident', role: 'resident', session, loginHint: 'login.hint.resident' },
      { default: () => h(ResidentHome, { session, key: session.current.value?.user.username }) },
    ),
}).mount('#app');
