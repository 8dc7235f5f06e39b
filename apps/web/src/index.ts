/** The start page: links to the three pages, and the language toggle. */
import { initPage } from './page.js';

initPage();
