import org.apache.jute.*;
import org.apache.zookeeper.proto.*;
import org.apache.zookeeper.data.*;
import org.apache.zookeeper.txn.*;
import org.apache.zookeeper.*;
import java.io.*;
import java.util.*;
public class Golden {
  static String hex(org.apache.jute.Record r) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    BinaryOutputArchive a = BinaryOutputArchive.getArchive(b);
    r.serialize(a, "r");
    StringBuilder sb = new StringBuilder();
    for (byte x : b.toByteArray()) sb.append(String.format("%02x", x));
    return sb.toString();
  }
  public static void main(String[] args) throws Exception {
    List<ACL> acl = new ArrayList<>(ZooDefs.Ids.OPEN_ACL_UNSAFE);
    acl.add(new ACL(ZooDefs.Perms.READ, new Id("digest", "bob:abc=")));
    System.out.println("ConnectRequest " + hex(new ConnectRequest(0, 0x1234L, 30000, 0L, new byte[16])));
    System.out.println("ConnectResponse " + hex(new ConnectResponse(0, 30000, 0x0100000000000001L, new byte[]{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16})));
    System.out.println("RequestHeader " + hex(new RequestHeader(7, ZooDefs.OpCode.create)));
    System.out.println("ReplyHeader " + hex(new ReplyHeader(7, 0x100000002L, -101)));
    System.out.println("CreateRequest " + hex(new CreateRequest("/a/b", "hello".getBytes("UTF-8"), acl, 3)));
    System.out.println("CreateTTLRequest " + hex(new CreateTTLRequest("/t", new byte[0], acl, 5, 60000L)));
    System.out.println("Stat " + hex(new Stat(1L, 2L, 3L, 4L, 5, 6, 7, 8L, 9, 10, 11L)));
    System.out.println("GetDataResponse " + hex(new GetDataResponse(null, new Stat(1L, 2L, 3L, 4L, 5, 6, 7, 8L, 9, 10, 11L))));
    System.out.println("SetWatches2 " + hex(new SetWatches2(5L, Arrays.asList("/a"), Arrays.asList("/b","/c"), new ArrayList<>(), Arrays.asList("/p"), Arrays.asList("/r"))));
    System.out.println("WatcherEvent " + hex(new WatcherEvent(3, 3, "/x")));
    System.out.println("AuthPacket " + hex(new AuthPacket(0, "digest", "bob:secret".getBytes("UTF-8"))));
    System.out.println("TxnHeader " + hex(new TxnHeader(0x0100000000000001L, 3, 0x200000005L, 1700000000000L, ZooDefs.OpCode.create)));
    System.out.println("CreateTxn " + hex(new CreateTxn("/e", "v".getBytes("UTF-8"), acl, true, 4)));
    System.out.println("CloseSessionTxn " + hex(new CloseSessionTxn(Arrays.asList("/e1", "/e2"))));
    // multi request as the client sends it
    MultiOperationRecord m = new MultiOperationRecord(Arrays.asList(Op.create("/m", new byte[]{1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT), Op.check("/m", 0), Op.setData("/m", new byte[]{2}, -1), Op.delete("/m", -1)));
    System.out.println("MultiOperationRecord " + hex(m));
    MultiResponse r = new MultiResponse();
    r.add(new OpResult.CreateResult("/m")); r.add(new OpResult.ErrorResult(-101)); r.add(new OpResult.ErrorResult(-2));
    System.out.println("MultiResponseFailed " + hex(r));
    String nonBmp = "/\uD83D\uDE00";
    System.out.println("NonBmpPath " + hex(new GetDataRequest(nonBmp, true)));
    // Java's DataOutput.writeUTF-style (CESU) encoding of the same character
    ByteArrayOutputStream b = new ByteArrayOutputStream(); new DataOutputStream(b).writeUTF("\uD83D\uDE00");
    StringBuilder sb = new StringBuilder(); for (byte x : b.toByteArray()) sb.append(String.format("%02x", x));
    System.out.println("ModifiedUtf8 " + sb);
    // session password for a known id, as ZooKeeperServer.generatePasswd does it
    Random rnd = new Random(0x0100000000000001L ^ 0xB3415C00L); byte[] p = new byte[16]; rnd.nextBytes(p);
    sb = new StringBuilder(); for (byte x : p) sb.append(String.format("%02x", x));
    System.out.println("Passwd " + sb);
    System.out.println("Digest " + org.apache.zookeeper.server.auth.DigestAuthenticationProvider.generateDigest("bob:secret"));
  }
}
