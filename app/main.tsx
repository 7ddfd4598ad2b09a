import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { bindDeviceToSession } from './device/store';
import { deviceStore } from './device/useDevice';
import { installStore } from './pwa/install';
import { updateStore } from './pwa/serviceWorker';
import { sessionStore } from './session/useSession';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Outpost: #root is missing from index.html');

bindDeviceToSession(deviceStore, sessionStore);
void sessionStore.getState().check();
updateStore.start();
installStore.start();

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
