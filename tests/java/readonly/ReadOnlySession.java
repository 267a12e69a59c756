import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * One session of Apache ZooKeeper's Java client, driven line by line from stdin so that a test can break the
 * ensemble between commands: ReadOnlySession connectString canBeReadOnly sessionTimeoutMs [sessionIdHex passwordHex]
 * (the last two resume an existing session: new ZooKeeper(cs, timeout, watcher, sessionId, passwd, canBeReadOnly)).
 *
 * Every connection state the watcher hears is printed as "EVENT state" (SyncConnected, ConnectedReadOnly,
 * Disconnected, Expired...). Each command is answered by exactly one line starting with "R ":
 *   wait STATE MS          R OK STATE | R TIMEOUT lastState   (waits until the last event is STATE)
 *   state                  R CONNECTEDREADONLY | R CONNECTED | R CONNECTING ...   (ZooKeeper.getState())
 *   session                R 0x...                            (the session id)
 *   password               R hex                              (the session password)
 *   exists PATH            R EXISTS owner=0x... | R NONE | R ERR CODE
 *   get PATH               R DATA text | R ERR CODE
 *   create PATH TEXT       R CREATED path | R ERR CODE        (persistent, open ACL)
 *   ephemeral PATH TEXT    R CREATED path | R ERR CODE        (ephemeral: a local session becomes global)
 *   set PATH TEXT          R SET | R ERR CODE
 *   delete PATH            R DELETED | R ERR CODE
 *   sync PATH              R SYNCED | R ERR CODE
 *   close                  R CLOSED, then the program ends
 * Errors are KeeperException.Code names (NOTREADONLY, CONNECTIONLOSS, NONODE...).
 */
public final class ReadOnlySession {
    private static final Object LOCK = new Object();
    private static volatile String lastState = "none";

    private static void print(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    private static byte[] hex(String text) {
        byte[] bytes = new byte[text.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    public static void main(String[] args) throws Exception {
        String connectString = args[0];
        boolean canBeReadOnly = Boolean.parseBoolean(args[1]);
        int timeout = Integer.parseInt(args[2]);
        Watcher watcher = event -> {
            if (event.getType() == Watcher.Event.EventType.None) {
                synchronized (LOCK) {
                    lastState = event.getState().name();
                    LOCK.notifyAll();
                }
                print("EVENT " + event.getState().name());
            }
        };
        ZooKeeper zk = args.length > 4
            ? new ZooKeeper(connectString, timeout, watcher, Long.parseUnsignedLong(args[3].substring(2), 16), hex(args[4]), canBeReadOnly)
            : new ZooKeeper(connectString, timeout, watcher, canBeReadOnly);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ", 3);
            if (w.length == 0 || w[0].isEmpty()) {
                continue;
            }
            try {
                switch (w[0]) {
                    case "wait": {
                        long deadline = System.currentTimeMillis() + Long.parseLong(w[2]);
                        synchronized (LOCK) {
                            while (!lastState.equals(w[1]) && System.currentTimeMillis() < deadline) {
                                LOCK.wait(Math.max(1, deadline - System.currentTimeMillis()));
                            }
                            print(lastState.equals(w[1]) ? "R OK " + w[1] : "R TIMEOUT " + lastState);
                        }
                        break;
                    }
                    case "state":
                        print("R " + zk.getState().name());
                        break;
                    case "session":
                        print("R 0x" + Long.toHexString(zk.getSessionId()));
                        break;
                    case "password": {
                        StringBuilder text = new StringBuilder();
                        for (byte b : zk.getSessionPasswd()) {
                            text.append(String.format("%02x", b));
                        }
                        print("R " + text);
                        break;
                    }
                    case "exists": {
                        org.apache.zookeeper.data.Stat stat = zk.exists(w[1], false);
                        print(stat == null ? "R NONE" : "R EXISTS owner=0x" + Long.toHexString(stat.getEphemeralOwner()));
                        break;
                    }
                    case "get":
                        print("R DATA " + new String(zk.getData(w[1], false, null), StandardCharsets.UTF_8));
                        break;
                    case "create":
                        print("R CREATED " + zk.create(w[1], w[2].getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT));
                        break;
                    case "ephemeral":
                        print("R CREATED " + zk.create(w[1], w[2].getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL));
                        break;
                    case "set":
                        zk.setData(w[1], w[2].getBytes(StandardCharsets.UTF_8), -1);
                        print("R SET");
                        break;
                    case "delete":
                        zk.delete(w[1], -1);
                        print("R DELETED");
                        break;
                    case "sync": {
                        java.util.concurrent.CompletableFuture<Integer> rc = new java.util.concurrent.CompletableFuture<>();
                        zk.sync(w[1], (code, path, ctx) -> rc.complete(code), null);
                        int code = rc.get();
                        print(code == 0 ? "R SYNCED" : "R ERR " + KeeperException.Code.get(code).name());
                        break;
                    }
                    case "close":
                        zk.close();
                        print("R CLOSED");
                        return;
                    default:
                        print("R UNKNOWN " + w[0]);
                }
            } catch (KeeperException e) {
                print("R ERR " + e.code().name());
            }
        }
        zk.close();
    }
}
