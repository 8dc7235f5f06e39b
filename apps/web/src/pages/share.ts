/** The page a share link opens: no sign-in; the key comes from the link's fragment and never leaves the browser. */
import 'vant/lib/index.css';
import '../phone.css';
import { createApp } from 'vue';
import SharePage from './share/SharePage.vue';

createApp(SharePage).mount('#app');
