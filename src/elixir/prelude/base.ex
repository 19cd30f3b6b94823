# Base: encodings of binaries as text (16, 32, hex 32, 64 and URL-safe 64), written in the
# Elixir the console speaks over binaries. Written for this project from RFC 4648 and the
# documented behaviour.

defmodule Base do
  @moduledoc "Binaries as text and back: encode16/decode16 (hex), encode32/decode32, hex_encode32/hex_decode32, encode64/decode64 and url_encode64/url_decode64 (RFC 4648), with the case:, padding: and ignore: options. decode* answers {:ok, binary} or :error; decode*! raises ArgumentError. (Written in Elixir in this console's prelude.)"

  @upper16 "0123456789ABCDEF"
  @lower16 "0123456789abcdef"
  @upper32 "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
  @upper_hex32 "0123456789ABCDEFGHIJKLMNOPQRSTUV"
  @std64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  @url64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

  def encode16(data, opts \\ []) when is_binary(data),
    do: encode(data, 4, if(opts[:case] == :lower, do: @lower16, else: @upper16), false)

  def decode16(string, opts \\ []), do: catching(fn -> decode16!(string, opts) end)

  def decode16!(string, opts \\ []) when is_binary(string) do
    if rem(byte_size(string), 2) != 0, do: raise(ArgumentError, "string given to decode has wrong length. An even number of bytes was expected, got: #{byte_size(string)}. Double check your string for unwanted characters or pad it accordingly")
    decode(string, 4, @upper16, opts[:case] || :upper, false)
  end

  def encode32(data, opts \\ []) when is_binary(data),
    do: encode(data, 5, cased(@upper32, opts[:case]), Keyword.get(opts, :padding, true))

  def decode32(string, opts \\ []), do: catching(fn -> decode32!(string, opts) end)

  def decode32!(string, opts \\ []) when is_binary(string),
    do: decode(string, 5, @upper32, opts[:case] || :upper, Keyword.get(opts, :padding, true))

  def hex_encode32(data, opts \\ []) when is_binary(data),
    do: encode(data, 5, cased(@upper_hex32, opts[:case]), Keyword.get(opts, :padding, true))

  def hex_decode32(string, opts \\ []), do: catching(fn -> hex_decode32!(string, opts) end)

  def hex_decode32!(string, opts \\ []) when is_binary(string),
    do: decode(string, 5, @upper_hex32, opts[:case] || :upper, Keyword.get(opts, :padding, true))

  def encode64(data, opts \\ []) when is_binary(data),
    do: encode(data, 6, @std64, Keyword.get(opts, :padding, true))

  def decode64(string, opts \\ []), do: catching(fn -> decode64!(string, opts) end)

  def decode64!(string, opts \\ []) when is_binary(string),
    do: decode(whitespace(string, opts), 6, @std64, :exact, Keyword.get(opts, :padding, true))

  def url_encode64(data, opts \\ []) when is_binary(data),
    do: encode(data, 6, @url64, Keyword.get(opts, :padding, true))

  def url_decode64(string, opts \\ []), do: catching(fn -> url_decode64!(string, opts) end)

  def url_decode64!(string, opts \\ []) when is_binary(string),
    do: decode(whitespace(string, opts), 6, @url64, :exact, Keyword.get(opts, :padding, true))

  # ------------------------------------------------------------------ the work

  defp cased(alphabet, :lower), do: String.downcase(alphabet)
  defp cased(alphabet, _), do: alphabet

  defp whitespace(string, opts) do
    if opts[:ignore] == :whitespace,
      do: for(<<c <- string>>, c not in ~c" \t\r\n", into: "", do: <<c>>),
      else: string
  end

  defp catching(fun) do
    try do
      {:ok, fun.()}
    rescue
      ArgumentError -> :error
    end
  end

  # `bits` bits a character; the last group is filled with zero bits, then `=` up to a
  # whole block (2 characters for base 16, 8 for 32, 4 for 64)
  defp encode(data, bits, alphabet, pad?) do
    fill = rem(bits - rem(bit_size(data), bits), bits)
    chars = for <<x::size(bits) <- <<data::bits, 0::size(fill)>> >>, into: "", do: binary_part(alphabet, x, 1)
    block = div(lcm(bits, 8), bits)

    if pad? and rem(byte_size(chars), block) != 0,
      do: chars <> String.duplicate("=", block - rem(byte_size(chars), block)),
      else: chars
  end

  defp lcm(a, b), do: div(a * b, Integer.gcd(a, b))

  defp decode(string, bits, alphabet, case_opt, pad?) do
    block = div(lcm(bits, 8), bits)
    body = String.trim_trailing(string, "=")
    padding = byte_size(string) - byte_size(body)

    if pad? and bits != 4 and rem(byte_size(string), block) != 0,
      do: raise(ArgumentError, "incorrect padding")

    if padding >= block, do: raise(ArgumentError, "incorrect padding")

    values =
      for <<c <- body>> do
        case find(alphabet, c, case_opt) do
          nil -> raise ArgumentError, "non-alphabet character found: #{inspect(<<c>>, binaries: :as_strings)} (byte #{c})"
          v -> v
        end
      end

    all = for v <- values, into: <<>>, do: <<v::size(bits)>>
    whole = div(bit_size(all), 8) * 8
    <<bytes::bits-size(whole), _::bits>> = all
    bytes
  end

  defp find(alphabet, c, case_opt) do
    c =
      case case_opt do
        :lower when c in ?A..?Z -> -1
        :lower when c in ?a..?z -> c - 32
        :mixed when c in ?a..?z -> c - 32
        :upper when c in ?a..?z -> -1
        _ -> c
      end

    case :binary.match(alphabet, <<max(c, 0)>>) do
      {i, 1} when c >= 0 -> i
      _ -> nil
    end
  end
end
