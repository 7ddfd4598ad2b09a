import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { updateStore } from './pwa/serviceWorker';
import { sessionStore } from './session/useSession';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Outpost: #root is missing from index.html');

void sessionStore.getState().check();
updateStore.start();

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
