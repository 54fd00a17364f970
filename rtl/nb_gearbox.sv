// Packs chunks of up to Units units into words of exactly Units units (bits
// for the binary window, bytes for the fixed-point window). A chunk marked
// last closes the word stream of one window: the final word is zero-padded
// and marked last. Throughput: one word per cycle; the producer must not
// offer a chunk while flush_pending_o (at most once per window).
module nb_gearbox #(
  parameter int Units = 48,
  parameter int UnitBits = 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      in_valid_i,
  input  logic [Units*UnitBits-1:0] in_data_i,   // chunk, unit 0 first, unused units 0
  input  logic [$clog2(Units+1)-1:0] in_count_i, // units in the chunk, 1..Units
  input  logic                      in_last_i,
  output logic                      flush_pending_o,
  output logic                      out_valid_o,
  output logic [Units*UnitBits-1:0] out_data_o,
  output logic                      out_last_o,
  output logic [$clog2(Units+1)-1:0] out_count_o  // units of the word that came in (Units but in a last word)
);
  localparam int W = Units * UnitBits;
  localparam int CW = $clog2(2 * Units + 1);
  logic [2*W-1:0] buf_q, buf_d, merged;
  logic [CW-1:0] cnt_q, cnt_d, total;
  logic flush_q, flush_d;

  always_comb begin
    merged = buf_q | ({{W{1'b0}}, in_data_i} << (cnt_q * UnitBits));
    total = cnt_q + CW'(in_count_i);
    buf_d = buf_q;
    cnt_d = cnt_q;
    flush_d = 1'b0;
    out_valid_o = 1'b0;
    out_data_o = '0;
    out_last_o = 1'b0;
    out_count_o = ($clog2(Units+1))'(Units);
    if (flush_q) begin  // the remainder of a window
      out_valid_o = 1'b1;
      out_count_o = ($clog2(Units+1))'(cnt_q);
      out_data_o = buf_q[W-1:0];
      out_last_o = 1'b1;
      buf_d = '0;
      cnt_d = '0;
    end else if (in_valid_i) begin
      if (total >= CW'(Units)) begin
        out_valid_o = 1'b1;
        out_data_o = merged[W-1:0];
        buf_d = merged >> W;
        cnt_d = total - CW'(Units);
        if (in_last_i) begin
          if (total == CW'(Units)) begin
            out_last_o = 1'b1;
            cnt_d = '0;
          end else begin
            flush_d = 1'b1;
          end
        end
      end else begin
        buf_d = merged;
        cnt_d = total;
        if (in_last_i) begin
          out_valid_o = 1'b1;
          out_data_o = merged[W-1:0];
          out_last_o = 1'b1;
          out_count_o = ($clog2(Units+1))'(total);
          buf_d = '0;
          cnt_d = '0;
        end
      end
    end
  end
  assign flush_pending_o = flush_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      buf_q <= '0;
      cnt_q <= '0;
      flush_q <= 1'b0;
    end else begin
      buf_q <= buf_d;
      cnt_q <= cnt_d;
      flush_q <= flush_d;
    end
  end
endmodule
