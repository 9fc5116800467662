// A minimal JAX-RS RuntimeDelegate for the shaded Hadoop client jars that the pyspark wheel ships.
//
// hadoop-client-runtime-3.5.0 shades javax.ws.rs (RuntimeDelegate, MediaType) but not Jersey's
// RuntimeDelegateImpl, so WebHdfsFileSystem.jsonParse -> MediaType.valueOf(Content-Type) fails with
// "ClassNotFoundException: org.apache.hadoop.shaded.org.glassfish.jersey.internal.RuntimeDelegateImpl"
// on every JSON response, whatever the server.  This delegate parses media types only (all that
// the WebHDFS client needs); it is found through META-INF/services.  Test support, not pyhdp code.
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.shaded.javax.ws.rs.core.Application;
import org.apache.hadoop.shaded.javax.ws.rs.core.Link;
import org.apache.hadoop.shaded.javax.ws.rs.core.MediaType;
import org.apache.hadoop.shaded.javax.ws.rs.core.Response;
import org.apache.hadoop.shaded.javax.ws.rs.core.UriBuilder;
import org.apache.hadoop.shaded.javax.ws.rs.core.Variant;
import org.apache.hadoop.shaded.javax.ws.rs.ext.RuntimeDelegate;

public class PyhdpRuntimeDelegate extends RuntimeDelegate {
  static final class MediaTypeDelegate implements RuntimeDelegate.HeaderDelegate<MediaType> {
    public MediaType fromString(String value) {
      String[] parts = value.split(";");
      String[] type = parts[0].trim().split("/", 2);
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].trim().split("=", 2);
        if (kv.length == 2) params.put(kv[0].trim(), kv[1].trim().replace("\"", ""));
      }
      return new MediaType(type[0], type.length > 1 ? type[1] : "*", params);
    }

    public String toString(MediaType m) {
      StringBuilder b = new StringBuilder(m.getType() + "/" + m.getSubtype());
      for (Map.Entry<String, String> e : m.getParameters().entrySet()) b.append(";").append(e.getKey()).append("=").append(e.getValue());
      return b.toString();
    }
  }

  public UriBuilder createUriBuilder() { throw new UnsupportedOperationException(); }
  public Response.ResponseBuilder createResponseBuilder() { throw new UnsupportedOperationException(); }
  public Variant.VariantListBuilder createVariantListBuilder() { throw new UnsupportedOperationException(); }
  public <T> T createEndpoint(Application a, Class<T> c) { throw new UnsupportedOperationException(); }
  public Link.Builder createLinkBuilder() { throw new UnsupportedOperationException(); }

  @SuppressWarnings("unchecked")
  public <T> RuntimeDelegate.HeaderDelegate<T> createHeaderDelegate(Class<T> type) {
    if (type == MediaType.class) return (RuntimeDelegate.HeaderDelegate<T>) new MediaTypeDelegate();
    throw new IllegalArgumentException("no header delegate for " + type);
  }
}
