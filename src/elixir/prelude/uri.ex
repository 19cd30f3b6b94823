# URI: the parts RFC 3986 names (scheme, authority, path, query, fragment), percent-encoding
# and query strings. Written for this project from the documented behaviour.

defmodule URI do
  @moduledoc "A URI's parts as a struct: URI.parse(\"https://elixir-lang.org/docs?x=1\"), URI.to_string/1, URI.encode_query/1, URI.decode_query/1, URI.merge/2."
  defstruct scheme: nil, authority: nil, userinfo: nil, host: nil, port: nil, path: nil,
            query: nil, fragment: nil

  def default_port(scheme) when is_binary(scheme) do
    %{"ftp" => 21, "sftp" => 22, "tftp" => 69, "http" => 80, "https" => 443, "ldap" => 389,
      "ws" => 80, "wss" => 443}[scheme]
  end

  def parse(%URI{} = uri), do: uri

  def parse(string) when is_binary(string) do
    {rest, fragment} = split_once(string, "#")
    {rest, query} = split_once(rest, "?")

    {scheme, rest} =
      case Regex.run(~r/^([a-zA-Z][a-zA-Z0-9+\-.]*):(.*)$/s, rest) do
        [_, scheme, rest] -> {String.downcase(scheme), rest}
        nil -> {nil, rest}
      end

    {authority, path} =
      case rest do
        "//" <> rest ->
          {authority, path} = split_once(rest, "/")
          {authority, if(path, do: "/" <> path)}

        _ ->
          {nil, rest}
      end

    {userinfo, host, port} = authority(authority)
    port = port || (scheme && default_port(scheme))
    path = if path == "", do: nil, else: path

    %URI{scheme: scheme, authority: authority, userinfo: userinfo, host: host, port: port,
         path: path, query: query, fragment: fragment}
  end

  def new(%URI{} = uri), do: {:ok, uri}

  def new(string) when is_binary(string) do
    case Enum.find(String.graphemes(string), &(&1 in [" ", "\"", "<", ">", "\\", "^", "`", "{", "|", "}"])) do
      nil -> {:ok, %{parse(string) | authority: nil}}
      char -> {:error, char}
    end
  end

  def new!(string) do
    case new(string) do
      {:ok, uri} -> uri
      {:error, part} -> raise URI.Error, action: :parse, reason: :invalid_uri, part: part
    end
  end

  # "user@host:port" as its three parts
  defp authority(nil), do: {nil, nil, nil}

  defp authority(authority) do
    {userinfo, hostport} =
      case String.split(authority, "@") do
        [hostport] -> {nil, hostport}
        parts -> {Enum.join(Enum.drop(parts, -1), "@"), List.last(parts)}
      end

    {host, port} =
      case Regex.run(~r/^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/, hostport) do
        [_, host, port] when port != "" -> {host, String.to_integer(port)}
        [_, host | _] -> {host, nil}
        nil -> {hostport, nil}
      end

    {userinfo, String.trim_trailing(String.trim_leading(host, "["), "]"), port}
  end

  defp split_once(string, separator) do
    case String.split(string, separator, parts: 2) do
      [before, rest] -> {before, rest}
      [whole] -> {whole, nil}
    end
  end

  def to_string(%URI{} = uri) do
    authority =
      if uri.host do
        userinfo = if uri.userinfo, do: uri.userinfo <> "@", else: ""
        host = if String.contains?(uri.host, ":"), do: "[" <> uri.host <> "]", else: uri.host
        shown_port = uri.port && uri.port != (uri.scheme && default_port(uri.scheme))
        "//" <> userinfo <> host <> if(shown_port, do: ":#{uri.port}", else: "")
      else
        ""
      end

    Enum.join([
      if(uri.scheme, do: uri.scheme <> ":", else: ""),
      authority,
      uri.path || "",
      if(uri.query, do: "?" <> uri.query, else: ""),
      if(uri.fragment, do: "#" <> uri.fragment, else: "")
    ])
  end

  def char_reserved?(c), do: c in ~c":/?#[]@!$&'()*+,;="
  def char_unreserved?(c), do: c in ?a..?z or c in ?A..?Z or c in ?0..?9 or c in ~c"-._~"
  def char_unescaped?(c), do: char_reserved?(c) or char_unreserved?(c)

  def encode(string, predicate \\ &char_unescaped?/1) when is_binary(string) do
    for <<c <- string>>, into: "", do: if(predicate.(c), do: <<c>>, else: percent(c))
  end

  def encode_www_form(string) when is_binary(string) do
    for <<c <- string>>, into: "" do
      cond do
        c == ?\s -> "+"
        char_unreserved?(c) -> <<c>>
        true -> percent(c)
      end
    end
  end

  defp percent(c), do: "%" <> String.pad_leading(Integer.to_string(c, 16), 2, "0")

  def decode(string) when is_binary(string), do: unpercent(string, string, "")

  def decode_www_form(string) when is_binary(string),
    do: unpercent(String.replace(string, "+", " "), string, "")

  defp unpercent(<<?%, hex::binary-size(2), rest::binary>>, whole, acc) do
    case Integer.parse(hex, 16) do
      {byte, ""} -> unpercent(rest, whole, acc <> <<byte>>)
      _ -> raise ArgumentError, "malformed URI #{inspect(whole)}"
    end
  end

  defp unpercent(<<?%, _::binary>>, whole, _acc),
    do: raise(ArgumentError, "malformed URI #{inspect(whole)}")

  defp unpercent(<<c, rest::binary>>, whole, acc), do: unpercent(rest, whole, acc <> <<c>>)
  defp unpercent("", _whole, acc), do: acc

  def encode_query(enumerable, encoding \\ :www_form) do
    encode = if encoding == :rfc3986, do: &encode(&1, fn c -> char_unreserved?(c) end), else: &encode_www_form/1

    Enum.map_join(enumerable, "&", fn {key, value} ->
      encode.(Kernel.to_string(key)) <> "=" <> encode.(Kernel.to_string(value))
    end)
  end

  def decode_query(query, map \\ %{}, encoding \\ :www_form) do
    decode = if encoding == :rfc3986, do: &decode/1, else: &decode_www_form/1

    query
    |> String.split("&", trim: true)
    |> Enum.reduce(map, fn pair, acc ->
      case String.split(pair, "=", parts: 2) do
        [key, value] -> Map.put(acc, decode.(key), decode.(value))
        [key] -> Map.put(acc, decode.(key), "")
      end
    end)
  end

  # RFC 3986, 5.2: a reference resolved against an absolute base
  def merge(base, rel) do
    base = parse(base)
    rel = parse(rel)

    if base.scheme == nil do
      raise ArgumentError, "you must merge onto an absolute URI"
    end

    cond do
      rel.scheme != nil ->
        %{rel | path: remove_dots(rel.path)}

      rel.host != nil ->
        %{rel | scheme: base.scheme, path: remove_dots(rel.path)}

      rel.path == nil ->
        %{base | query: rel.query || base.query, fragment: rel.fragment}

      true ->
        path =
          cond do
            String.starts_with?(rel.path, "/") -> rel.path
            base.path == nil -> "/" <> rel.path
            true -> String.replace(base.path, ~r{[^/]*$}, "") <> rel.path
          end

        %{base | path: remove_dots(path), query: rel.query, fragment: rel.fragment}
    end
  end

  defp remove_dots(nil), do: nil

  defp remove_dots(path) do
    [first | rest] = String.split(path, "/")

    {kept, trailing} =
      Enum.reduce(rest, {[], false}, fn
        ".", {acc, _} -> {acc, true}
        "..", {acc, _} -> {Enum.drop(acc, 1), true}
        segment, {acc, _} -> {[segment | acc], false}
      end)

    kept = if trailing, do: ["" | kept], else: kept
    Enum.join([first | Enum.reverse(kept)], "/")
  end
end

defmodule URI.Error do
  defexception [:action, :reason, :part]

  def message(%{action: action, reason: reason, part: part}),
    do: "cannot #{action} due to reason #{reason}: #{inspect(part)}"
end

defimpl String.Chars, for: URI do
  def to_string(uri), do: URI.to_string(uri)
end
